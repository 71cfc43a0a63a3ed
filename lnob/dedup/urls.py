from django.urls import path

from lnob.dedup import views

urlpatterns = [
    path("", views.queue, name="dedup_queue"),
    path("pairs/<int:pk>/", views.pair_detail, name="dedup_pair"),
    path("pairs/<int:pk>/decide/", views.pair_decide_view, name="dedup_pair_decide"),
    path("merge-sure/", views.merge_sure, name="dedup_merge_sure"),
    path("runs/", views.run_list, name="dedup_runs"),
    path("runs/<int:pk>/", views.run_detail, name="dedup_run"),
    path("merges/", views.merge_list, name="dedup_merges"),
    path("merges/<int:pk>/undo/", views.merge_undo_view, name="dedup_merge_undo"),
    path("rates/", views.rates, name="dedup_rates"),
    path("rates.<str:fmt>", views.rates, name="dedup_rates_export"),
]
