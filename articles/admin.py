"""Staff curation of articles: every save and every workflow step goes through
articles/services.py, so the admin obeys the same role rules as the loader and the API.

Actions: submit for review, publish (as the reviewer profile linked to the acting account),
retract (asks for the public reason on an intermediate page). The change form links to a
staff-only preview that renders any article, drafts included, with the public template.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from claimcheck.claims import roles
from claimcheck.claims.models import ReviewerProfile

from . import selectors, services
from .models import Article


class RetractForm(forms.Form):
    reason = forms.CharField(
        label="Public reason",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text="Shown on the articles page next to the retracted title.",
    )


def _problem(error):
    return "; ".join(getattr(error, "messages", None) or [str(error)])


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "status",
        "reviewer",
        "author_name",
        "published_at",
        "reviewed_at",
        "updated_at",
    ]
    list_filter = ["status", "reviewer", "published_at", "updated_at"]
    list_select_related = ["reviewer"]
    search_fields = ["title", "slug", "summary", "author_name"]
    autocomplete_fields = ["subjects", "claims", "references"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "updated_at"
    readonly_fields = [
        "preview_link",
        "status",
        "reviewer",
        "reviewed_at",
        "published_at",
        "retracted_at",
        "retraction_reason",
        "author",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["preview_link", "title", "slug", "summary", "body"]}),
        ("Byline", {"fields": ["author_name", "author"]}),
        ("Linked records", {"fields": ["subjects", "claims", "references"]}),
        (
            "Workflow (changed only by the actions)",
            {
                "fields": [
                    "status",
                    "reviewer",
                    "reviewed_at",
                    "published_at",
                    "retracted_at",
                    "retraction_reason",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]
    actions = ["submit_for_review", "publish", "retract"]

    # Permissions: a published article is read-only for anyone without the publish right
    # (the service refuses such an edit anyway; this keeps the form honest about it).

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is not None and obj.status == Article.Status.PUBLISHED:
            return roles.can(request.user, roles.PUBLISH_ARTICLE)
        return True

    def has_publish_permission(self, request):
        return roles.can(request.user, roles.PUBLISH_ARTICLE)

    def view_on_site(self, obj):
        """Only a published article has a public page; others have the preview."""
        return obj.get_absolute_url() if obj.status == Article.Status.PUBLISHED else None

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("author_name", request.user.get_full_name() or request.user.username)
        return initial

    @admin.display(description="Preview")
    def preview_link(self, obj):
        if obj is None or obj.pk is None:
            return "Save the article to preview it."
        url = reverse("admin:articles_article_preview", args=[obj.pk])
        return format_html('<a href="{}">Preview this article as readers will see it</a>', url)

    # Saves and deletes through the services.

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        services.article_save(
            article=obj,
            by=request.user,
            changed=form.changed_data if change else None,
            links={name: form.cleaned_data.get(name, []) for name in services.LINKS},
        )

    def save_related(self, request, form, formsets, change):
        """The links were written by article_save in save_model; there are no inlines."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        services.article_delete(article=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            services.article_delete(article=article, by=request.user)

    # Workflow actions: each article separately, every failure reported by name.

    def _each(self, request, queryset, verb, step):
        done = 0
        for article in queryset:
            try:
                step(article)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(
                    request, f"“{article}” not {verb}: {_problem(error)}", messages.ERROR
                )
        if done:
            self.message_user(request, f"{done} article(s) {verb}.", messages.SUCCESS)
        return done

    @admin.action(description="Submit the selected articles for review")
    def submit_for_review(self, request, queryset):
        self._each(
            request,
            queryset,
            "submitted for review",
            lambda article: services.article_submit_for_review(article=article, by=request.user),
        )

    @admin.action(
        description="Publish the selected articles (as their medical reviewer)",
        permissions=["publish"],
    )
    def publish(self, request, queryset):
        reviewer = ReviewerProfile.objects.filter(user=request.user).first()
        if reviewer is None:
            self.message_user(
                request,
                "Nothing published: your account has no reviewer profile. An administrator can "
                "link one under Claims › Reviewer profiles (field “user”).",
                messages.ERROR,
            )
            return
        self._each(
            request,
            queryset.select_related("reviewer"),
            "published",
            lambda article: services.article_publish(
                article=article, by=request.user, reviewer=reviewer
            ),
        )

    @admin.action(description="Retract the selected articles…", permissions=["publish"])
    def retract(self, request, queryset):
        form = RetractForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            self._each(
                request,
                queryset,
                "retracted",
                lambda article: services.article_retract(
                    article=article, by=request.user, reason=reason
                ),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Retract articles",
            "opts": self.model._meta,
            "articles": queryset,
            "form": form,
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/article/retract.html", context)

    # The preview: staff only (admin_view), and only for those who may see the article.

    def get_urls(self):
        preview = path(
            "<path:object_id>/preview/",
            self.admin_site.admin_view(self.preview_view),
            name="articles_article_preview",
        )
        return [preview, *super().get_urls()]

    def preview_view(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No article has this id.")
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        response = render(request, "articles/detail.html", selectors.article_preview(pk=article.pk))
        add_never_cache_headers(response)
        return response
