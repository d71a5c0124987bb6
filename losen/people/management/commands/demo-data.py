from django.core.management.base import BaseCommand
class Command(BaseCommand):
    def handle(self, *a, **k):
        self.stdout.write("hello")
