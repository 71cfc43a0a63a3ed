from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "lnob.demo"
    label = "demo"
