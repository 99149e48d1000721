"""The hosted chat page, mounted at /chat/."""

from django.urls import path

from widget import views

app_name = "widget"

urlpatterns = [
    path("<str:public_key>/", views.hosted_chat, name="hosted-chat"),
]
