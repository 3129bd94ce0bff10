"""Django forms for the service pages. They check shape (required, lengths, choices); the
rules of the service (who may do what, in which state) live in workflow.py."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.core.validators import RegexValidator

from curbside.web.qa import models as qa
from curbside.web.service import workflow
from curbside.web.service.models import AGE_BANDS

ASKED_FOR_CHOICES = [("self", "me"), ("child", "my child"), ("parent", "my parent"), ("other", "someone else")]
SEX_CHOICES = [("female", "female"), ("male", "male"), ("other", "other"), ("unspecified", "prefer not to say")]
USERNAME = RegexValidator(r"^[A-Za-z0-9_.-]{3,30}$", "3 to 30 letters, digits, '.', '_' or '-'")


CHOOSE = [("", "choose…")]  # no silent default: an infant's age band picked by accident misleads the doctor


def specialty_choices():
    return [(s.pk, s.name) for s in qa.Specialty.objects.order_by("name")]


def specialty_choices_with_auto():
    return [("auto", "Not sure: let Curbside choose")] + specialty_choices()


class SignUpForm(forms.Form):
    username = forms.CharField(max_length=30, validators=[USERNAME],
                               help_text="For signing in; never shown with your questions.")
    email = forms.EmailField(help_text="We send a link to confirm it. It is never published.")
    password = forms.CharField(widget=forms.PasswordInput, min_length=10,
                               help_text="At least 10 characters.")

    def clean(self):
        data = super().clean()
        if data.get("password"):
            candidate = User(username=data.get("username", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(data["password"], candidate)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class DoctorSignUpForm(SignUpForm):
    name = forms.CharField(max_length=100, label="Full name (without 'Dr.')",
                           help_text="Shown publicly as \"Dr. NAME reply SPECIALTY\".")
    specialty = forms.ChoiceField(choices=specialty_choices)
    hospital = forms.CharField(max_length=200)
    licence_number = forms.CharField(max_length=60, label="Licence number",
                                     help_text="A moderator checks it before you can answer.")


class AskForm(forms.Form):
    title = forms.CharField(max_length=workflow.TITLE_MAX,
                            help_text="One line: what is the question about?")
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), min_length=20, max_length=workflow.BODY_MAX,
                           label="Your question",
                           help_text="Symptoms, how long, what you tried. Do not include names, phone "
                                     "numbers or addresses.")
    asked_for = forms.ChoiceField(choices=ASKED_FOR_CHOICES, widget=forms.RadioSelect,
                                  label="This question is about", initial="self")
    age_band = forms.ChoiceField(choices=CHOOSE + [(b, b) for b in AGE_BANDS], label="Age of the person concerned")
    sex = forms.ChoiceField(choices=CHOOSE + SEX_CHOICES, label="Sex of the person concerned")
    alias = forms.CharField(max_length=40, label="Public alias",
                            help_text="Shown with the question instead of your name.")
    specialty = forms.ChoiceField(choices=specialty_choices_with_auto, label="Which kind of doctor should answer",
                                  initial="auto")

    def draft(self) -> workflow.Draft:
        d = self.cleaned_data
        return workflow.Draft(title=d["title"], body=d["body"], asked_for=d["asked_for"], age_band=d["age_band"],
                              sex=d["sex"], alias=d["alias"], specialty_id=d["specialty"])


class TextForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=workflow.BODY_MAX)


class ReplyForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}), min_length=20, max_length=workflow.BODY_MAX,
                           label="Reply",
                           help_text="Plain text with *emphasis*, **bold**, lists (- item) and links; no HTML.")


class HandOffForm(forms.Form):
    specialty = forms.ChoiceField(choices=specialty_choices, label="Hand to")
    note = forms.CharField(max_length=500, required=False, label="Note for the next doctor")


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class EditForm(forms.Form):
    title = forms.CharField(max_length=workflow.TITLE_MAX)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), max_length=workflow.BODY_MAX + 1000)
    alias = forms.CharField(max_length=40, label="Public alias",
                            help_text="Shown with the question. Change it if it identifies the asker.")
