from django.urls import path

from candour.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.record_matter, name="new"),
    path("work/", views.work_queue, name="work_queue"),
    path("people/", views.person_search, name="people"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/allegations/new/", views.add_allegation, name="add_allegation"),
    path("<int:pk>/subjects/<int:part_id>/link/", views.link_subject, name="link_subject"),
    path("<int:pk>/actions/<slug:name>/", views.take_action, name="action"),
    path("<int:pk>/letters/notice/<int:part_id>.pdf", views.notice_pdf, name="notice_pdf"),
    path("<int:pk>/letters/outcome/", views.outcome_letter, name="outcome_letter"),
    path("<int:pk>/letters/report/<int:report_id>.pdf", views.progress_pdf, name="progress_pdf"),
]
