from django.urls import path

from lnob.giving import views

# Mounted at the site's root: /give/ is the address printed on posters.
urlpatterns = [
    path("give/", views.give, name="give"),
    path("give/thanks/", views.give_thanks, name="give_thanks"),
    path("give/status/", views.give_status, name="give_status"),
    path("give/needs/", views.needs_board, name="needs_board"),
    path("give/needs/<str:code>/", views.needs_board, name="needs_board_area"),
    path("giving/offers/", views.offer_list, name="offer_list"),
    path("giving/offers/export.csv", views.offer_export, name="offer_export"),
    path("giving/offers/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("giving/stock/", views.stock_list, name="stock_list"),
    path("giving/catalogue/", views.catalogue, name="goods_catalogue"),
    path("giving/allocate/<str:code>/", views.allocate, name="giving_allocate"),
]
