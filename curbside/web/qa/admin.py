from django.contrib import admin

from curbside.web.qa import models as m


@admin.register(m.Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ["name", "id"]
    search_fields = ["name"]


@admin.register(m.Doctor)
class DoctorAdmin(admin.ModelAdmin):
    list_display = ["name", "specialty", "hospital", "verified"]
    list_filter = ["verified", "specialty"]
    search_fields = ["name"]


@admin.register(m.Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "specialty"]
    list_filter = ["specialty"]
    search_fields = ["name"]


class ReplyInline(admin.StackedInline):
    model = m.Reply


class ThreadTopicInline(admin.TabularInline):
    model = m.ThreadTopic
    extra = 0


@admin.register(m.Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "asked_at", "excerpt"]
    list_filter = ["status", "excerpt"]
    search_fields = ["title", "body"]
    inlines = [ReplyInline, ThreadTopicInline]


@admin.register(m.Passage)
class PassageAdmin(admin.ModelAdmin):
    list_display = ["id", "source", "focus", "licence"]
    list_filter = ["source", "licence"]
    search_fields = ["id", "question", "focus"]


class GuideSectionInline(admin.StackedInline):
    model = m.GuideSection
    extra = 0


@admin.register(m.Guide)
class GuideAdmin(admin.ModelAdmin):
    list_display = ["title", "topic"]
    inlines = [GuideSectionInline]


@admin.register(m.Generated)
class GeneratedAdmin(admin.ModelAdmin):
    list_display = ["thread", "field", "method", "reviewed_by", "reviewed_at"]
    list_filter = ["field", "method"]
