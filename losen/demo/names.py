"""Names, streets and places for the demo world (losen/demo/world.py): common names,
made-up places."""

from __future__ import annotations

from dataclasses import dataclass

from losen.people.models import Language


@dataclass(frozen=True)
class NameGroup:
    female: tuple[str, ...]
    male: tuple[str, ...]
    last: tuple[str, ...]
    # The language people of this background most often choose besides the country's own.
    language: str


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


NORWEGIAN = NameGroup(
    female=_names(
        """Nora Emma Ella Olivia Sofie Sofia Leah Ingrid Maja Sara Frida Emilie Ida Thea
        Hanna Linnea Selma Astrid Amalie Vilde Julie Mathilde Tiril Aurora Hedda Jenny Mia
        Marie Tuva Live Oda Signe Eline Kristine Silje Martine Camilla Ingeborg Andrea
        Helene Karoline Malin Sunniva Guro Synne Ragnhild Solveig Mari Marte Kaja Iben Alma
        Ellinor Luna Mille Tonje Hege Anniken Ane Eva Anna Victoria Isabella Josefine Lea
        Agnes Ylva Siri Ronja Sigrid Idun Margrethe Cecilie Pernille Stine Nina Ingvild
        Marlene Hedvig Madelen Kari Åse Vår"""
    ),
    male=_names(
        """Jakob Lucas Filip Olav Emil Noah Oliver William Isak Aksel Henrik Ludvig Magnus
        Elias Johannes Theodor Mathias Sander Tobias Jonas Markus Kristian Martin Andreas
        Sebastian Adrian Benjamin Daniel Vetle Eirik Sindre Ola Sivert Håkon Even Stian
        Fredrik Harald Sverre Torstein Øystein Erlend Vegard Kasper Mikkel Herman Iver Sigurd
        Peder Edvard Brage Birk Leon Liam Oskar Odin Storm Gustav Alexander Viktor Nikolai
        Simen Petter Joakim Thomas Espen Eivind Trym Jens Knut Lars Hans Ask Tor Ivar"""
    ),
    last=_names(
        """Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen
        Johnsen Pettersen Eriksen Berg Haugen Hagen Johannessen Andreassen Jacobsen Dahl
        Jørgensen Halvorsen Henriksen Lund Sørensen Jakobsen Moen Gundersen Iversen Strand
        Solberg Svendsen Eide Knutsen Martinsen Paulsen Bakken Kristoffersen Mathisen Lie
        Amundsen Rasmussen Lunde Kristensen Bakke Berge Moe Nygård Fredriksen Solheim Holm
        Lien Andresen Hauge Christensen Knudsen Nielsen Evensen Sæther Aas Myhre Hanssen
        Ellingsen Thomassen Sivertsen Simonsen Berntsen Danielsen Arnesen Antonsen Næss
        Sandvik Haugland Vik Brekke Ruud Tangen Mikkelsen Eliassen Isaksen Hovland Rønning
        Nordby Strøm Aasen Fjeld Bråten Helland Tveit Gulbrandsen Birkeland Dale Engen
        Ødegård Kleven Myklebust Aune"""
    ),
    language=Language.NORWEGIAN_BOKMAL,
)

SWEDISH = NameGroup(
    female=_names(
        """Elsa Alice Maja Vera Alma Astrid Ebba Wilma Saga Freja Agnes Selma Ella Olivia
        Stella Clara Ellen Alva Linnea Signe Ines Lilly Nova Elise Juni Ida Emma Julia Moa
        Hanna Matilda Tyra Felicia Amanda Sofia Elin Ronja Tove Lova Majken Edith Elvira
        Hedvig Ester Sigrid Cornelia Thea Isabelle Emelie Josefin Malin Johanna Sanna Frida"""
    ),
    male=_names(
        """William Hugo Liam Noah Lucas Oliver Oscar Elias Vincent Adam Alexander Leo Nils
        Viktor Axel Ludvig Theo Gustav Charlie Isak Melvin Olle Albin Filip Edvin Emil Erik
        Anton Arvid Sixten Loke Malte Elliot Love Harry Frans Ture Jonathan Viggo August
        Carl Gabriel Sebastian Simon Linus Jesper Rasmus Johan Anders Mattias Kalle"""
    ),
    last=_names(
        """Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson
        Gustafsson Pettersson Jonsson Jansson Hansson Bengtsson Jönsson Lindberg Jakobsson
        Magnusson Olofsson Lindström Lindqvist Lindgren Berg Axelsson Bergström Lundberg
        Lind Lundgren Lundqvist Mattsson Berglund Fredriksson Sandberg Henriksson Forsberg
        Sjöberg Wallin Engström Eklund Danielsson Lundin Håkansson Björk Bergman Gunnarsson
        Holm Wikström Samuelsson Isaksson Fransson Bergqvist Nyström Holmberg Arvidsson
        Löfgren Söderberg Nyberg Blomqvist Claesson Nordström Mårtensson Lundström Viklund
        Björklund Eliasson Pålsson Berggren Sandström Nordin Ström Åberg Hermansson Ekström
        Holmgren Sundberg Hedlund Dahlberg Hellström Sjögren Abrahamsson Falk Öberg Blom Ek
        Månsson Ekman Holmqvist"""
    ),
    language=Language.SWEDISH,
)

# Backgrounds common among young people in Norway and Sweden. Only surnames that do not
# change with gender (no Polish -ski/-ska, for instance).
IMMIGRANT_GROUPS: tuple[tuple[NameGroup, float], ...] = (
    (
        NameGroup(
            female=_names(
                "Aisha Fatima Maryam Amina Noor Leila Yasmin Zainab Hana Rania Layla Salma "
                "Dina Nour Sara Malak Lina Reem"
            ),
            male=_names(
                "Mohammed Ali Omar Yusuf Ibrahim Hassan Ahmad Hamza Khalid Karim Mustafa "
                "Adam Zakaria Bilal Tariq Amir Samir Rami"
            ),
            last=_names(
                "Ali Ahmed Hussein Mohamed Hassan Abdullah Khalil Ibrahim Mahmoud Saleh "
                "Haddad Rahman Aziz Mansour Al-Sayed Yousef"
            ),
            language=Language.ARABIC,
        ),
        0.05,
    ),
    (
        NameGroup(
            female=_names("Hodan Hibo Ayaan Sagal Ifrah Nimco Faadumo Hamdi Sahra Ubah"),
            male=_names("Abdirahman Abdi Mahad Liban Abdullahi Said Farah Yahye Mukhtar Guled"),
            last=_names("Abdi Farah Warsame Jama Yusuf Omar Mohamud Hirsi Osman Nur Aden Egal"),
            language=Language.SOMALI,
        ),
        0.04,
    ),
    (
        NameGroup(
            female=_names("Selam Senait Helen Meron Yordanos Saba Feven Luwam Eden Winta"),
            male=_names("Yonas Dawit Robel Samuel Henok Filmon Mussie Tesfaye Biniam Natnael"),
            last=_names(
                "Tesfay Haile Gebremedhin Tekle Berhane Kidane Mehari Yohannes Ghebre Andemariam"
            ),
            language=Language.TIGRINYA,
        ),
        0.03,
    ),
    (
        NameGroup(
            female=_names(
                "Zofia Julia Zuzanna Maja Lena Alicja Oliwia Natalia Wiktoria Agnieszka Kinga"
            ),
            male=_names("Jakub Kacper Szymon Filip Mateusz Bartosz Michał Piotr Wojciech Kamil"),
            last=_names(
                "Nowak Wójcik Kowalczyk Woźniak Mazur Krawczyk Kaczmarek Zając Król Wieczorek "
                "Pawlak Michalak Sikora Baran Duda"
            ),
            language=Language.POLISH,
        ),
        0.04,
    ),
    (
        NameGroup(
            female=_names(
                "Sofiia Anastasiia Oleksandra Yuliia Daryna Kateryna Viktoriia Polina Mariia Iryna"
            ),
            male=_names("Oleksandr Maksym Artem Dmytro Andrii Bohdan Mykola Ivan Denys Taras"),
            last=_names(
                "Shevchenko Kovalenko Bondarenko Tkachenko Kravchenko Oliinyk Melnyk Koval "
                "Boyko Marchenko Lysenko Rudenko"
            ),
            language=Language.UKRAINIAN,
        ),
        0.03,
    ),
    (
        NameGroup(
            female=_names("Linh Mai Thao Anh Ngoc Trang Huong Lan"),
            male=_names("Minh Duc Huy Tuan Khoa Long Nam Bao"),
            last=_names("Nguyen Tran Le Pham Hoang Vu Dang Bui"),
            language=Language.OTHER,
        ),
        0.015,
    ),
    (
        NameGroup(
            female=_names("Zahra Mina Parisa Shirin Nasrin Roya Setareh Yalda"),
            male=_names("Reza Amir Mehdi Hamid Navid Arash Farid Sina"),
            last=_names("Karimi Hosseini Rahimi Ahmadi Mohammadi Rezaei Sadeghi Azizi Jafari"),
            language=Language.OTHER,
        ),
        0.015,
    ),
)

NO_STREETS = _names(
    """Storgata Kirkeveien Skolegata Parkveien Bakkeveien Granveien Bjørkeveien Solbakken
    Fjordgata Jernbanegata Torggata Havnegata Løkkeveien Elvegata Industrigata Strandveien
    Furuveien Lindeveien Eikeveien Skogveien Haugeveien Myrveien Åsveien Rådhusgata
    Kongens_gate Dronningens_gate Nordre_gate Søndre_gate Smiebakken Stasjonsveien
    Sjøgata Fabrikkveien Bekkeveien Rognveien Kløverveien Blåbærstien Tyttebærveien
    Lyngveien Hegreveien Måkeveien"""
)
SE_STREETS = _names(
    """Storgatan Kyrkogatan Skolgatan Parkvägen Backvägen Granvägen Björkvägen
    Järnvägsgatan Torggatan Hamngatan Ågatan Industrigatan Strandvägen Tallvägen
    Lindvägen Ekvägen Skogsvägen Drottninggatan Kungsgatan Södra_vägen Norra_vägen
    Stationsvägen Sjögatan Bäckvägen Rönnvägen Klövervägen Blåbärsstigen Ljungvägen"""
)
# Made-up places in the made-up municipalities.
NO_PLACES = (
    ("4310", "Demoby"),
    ("4311", "Demoby"),
    ("4312", "Demoby"),
    ("4315", "Sjøvik"),
    ("4320", "Bakkeli"),
    ("4330", "Nordvang"),
)
SE_PLACES = (
    ("987 31", "Demostad"),
    ("987 32", "Demostad"),
    ("987 34", "Demostad"),
    ("987 40", "Sjövik"),
    ("987 50", "Backby"),
)
NEIGHBOUR_MUNICIPALITY = {"NO": "Nabokommune", "SE": "Grannkommun"}
HOME_MUNICIPALITY = {"NO": "Demo kommune", "SE": "Demo kommun"}
MAIL_DOMAIN = {"NO": "example.no", "SE": "example.se"}
HOME_LANGUAGE = {"NO": Language.NORWEGIAN_BOKMAL, "SE": Language.SWEDISH}
