"""The admin's Import page for sources and claims: upload, dry-run report, confirm.

Step 1 takes a file (at most imports.MAX_BYTES) and runs a dry run as the signed-in user, so
the services' validation and role checks run and nothing is written. Step 2 shows every
record's outcome; when there is no error it offers "Confirm import", which carries the file
back in a hidden field signed with the secret key (django.core.signing, bound to the user and
valid for an hour), so the confirmed file is exactly the one checked. Confirming runs the
import again, for real, all or nothing.

Hook-up: add `ImportAdminMixin` first in the bases of SourceAdmin and ClaimAdmin; the
changelists link the page from their object tools (templates admin/claims/<model>/
change_list.html).
"""

import base64

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from . import imports

SALT = "claimcheck.claims.admin_import"
MAX_AGE = 3600  # seconds a checked file may wait for its confirmation

KIND_LABELS = {
    "sources": "Sources (.csv, .json or .jsonl)",
    "claims": "Claims (.csv, .json or .jsonl; JSON claims may carry their evidence)",
    "dump": "A whole open-data dump (.zip)",
}


class UploadForm(forms.Form):
    file = forms.FileField(
        help_text=f"At most {imports.MAX_BYTES // 1000} kB; larger files: "
        "manage.py import_data FILE."
    )
    kind = forms.ChoiceField(choices=())

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, KIND_LABELS[k]) for k in kinds]
        if len(kinds) == 1:
            self.fields["kind"].widget = forms.HiddenInput()
            self.fields["kind"].initial = kinds[0]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size // 1000} kB; the admin takes at most "
                f"{imports.MAX_BYTES // 1000} kB (use manage.py import_data for more)."
            )
        return upload


def sign_file(*, user, name, kind, content):
    payload = {"u": user.pk, "n": name, "k": kind, "d": base64.b64encode(content).decode()}
    return signing.dumps(payload, salt=SALT, compress=True)


def unsign_file(token, *, user):
    """(name, kind, content) from a token signed for `user`; BadSignature otherwise."""
    payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    if payload.get("u") != user.pk:
        raise signing.BadSignature("The file was checked by someone else.")
    return payload["n"], payload["k"], base64.b64decode(payload["d"])


class ImportAdminMixin:
    """An Import page beside the changelist (URL name admin:<app>_<model>_import)."""

    import_kinds = ("sources",)

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name=name), *super().get_urls()]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(kinds=self.import_kinds)
        report, token = None, ""
        if request.method == "POST" and "token" in request.POST:
            try:
                name, kind, content = unsign_file(request.POST["token"], user=request.user)
            except signing.BadSignature:
                return HttpResponseBadRequest(
                    "The checked file could not be verified (expired or altered); upload it again."
                )
            if kind not in self.import_kinds:
                return HttpResponseBadRequest("This page does not import that kind of file.")
            report = imports.run(name, content, kind=kind, by=request.user, commit=True)
            if report.committed:
                self.message_user(request, _summary("Imported", report), messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
                )
            self.message_user(
                request, "Nothing was written: the import found errors.", messages.ERROR
            )
        elif request.method == "POST":
            form = UploadForm(request.POST, request.FILES, kinds=self.import_kinds)
            if form.is_valid():
                upload, kind = form.cleaned_data["file"], form.cleaned_data["kind"]
                content = upload.read()
                report = imports.run(upload.name, content, kind=kind, by=request.user)
                if report.ok:
                    token = sign_file(
                        user=request.user, name=upload.name, kind=kind, content=content
                    )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Import {self.opts.verbose_name_plural}",
            "form": form,
            "report": report,
            "token": token,
            "counts": sorted(report.counts().items()) if report else [],
        }
        return TemplateResponse(request, "admin/claims/import.html", context)


def _summary(prefix, report):
    parts = [
        f"{entity}: " + ", ".join(f"{n} {action}" for action, n in sorted(actions.items()))
        for entity, actions in report.counts().items()
    ]
    return f"{prefix} {report.name}. " + "; ".join(parts)
