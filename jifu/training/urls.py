from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("occupations/", views.OccupationListView.as_view(), name="occupation_list"),
    path("institutions/", views.InstitutionListView.as_view(), name="institution_list"),
    path("institutions/add/", views.InstitutionCreateView.as_view(), name="institution_add"),
    path(
        "institutions/<int:pk>/", views.InstitutionDetailView.as_view(), name="institution_detail"
    ),
    path("classes/", views.ClassListView.as_view(), name="class_list"),
    path("classes/add/", views.ClassCreateView.as_view(), name="class_add"),
    path("classes/<int:pk>/", views.ClassDetailView.as_view(), name="class_detail"),
    path("classes/<int:pk>/approve/", views.ApproveView.as_view(), name="class_approve"),
    path("classes/<int:pk>/reject/", views.RejectView.as_view(), name="class_reject"),
    path("classes/<int:pk>/open/", views.OpenView.as_view(), name="class_open"),
    path("classes/<int:pk>/complete/", views.CompleteView.as_view(), name="class_complete"),
    path("classes/<int:pk>/finish/", views.FinishView.as_view(), name="class_finish"),
    path("classes/<int:pk>/enrol/", views.EnrolView.as_view(), name="class_enrol"),
    path("classes/<int:pk>/attendance/", views.AttendanceView.as_view(), name="class_attendance"),
    path(
        "classes/<int:pk>/enrol-person/", views.EnrolPersonView.as_view(), name="class_enrol_person"
    ),
    path("enrolments/", views.EnrolmentListView.as_view(), name="enrolment_list"),
    path("enrolments/<int:pk>/assess/", views.AssessView.as_view(), name="enrolment_assess"),
    path(
        "enrolments/<int:pk>/certificate/",
        views.CertificateCreateView.as_view(),
        name="enrolment_certificate",
    ),
    path("enrolments/<int:pk>/confirm/", views.ConfirmView.as_view(), name="enrolment_confirm"),
    path("certificates/", views.CertificateListView.as_view(), name="certificate_list"),
    path("appraisals/", views.AppraisalListView.as_view(), name="appraisal_list"),
    path("appraisals/add/", views.AppraisalCreateView.as_view(), name="appraisal_add"),
]
