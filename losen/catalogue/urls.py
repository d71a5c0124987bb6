from django.urls import path

from losen.catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("ours/", views.our_listings, name="ours"),
    path("ours/<int:measure_id>/publish/", views.listing_new, name="listing_new"),
    path("<int:listing_id>/", views.listing_detail, name="listing"),
    path("<int:listing_id>/edit/", views.listing_edit, name="listing_edit"),
    path("<int:listing_id>/withdraw/", views.listing_withdraw, name="listing_withdraw"),
    path("reported/<int:reported_id>/", views.reported_detail, name="reported"),
]
