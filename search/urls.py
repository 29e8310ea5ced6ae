"""The learner search, its autocomplete, and the employer skills search (page, CSV and API)."""

from django.urls import path

from . import skills_views, views

# No app namespace: templates and tests reverse these names unqualified ({% url "search" %}).
urlpatterns = [
    path("search/", views.search, name="search"),
    path("search/autocomplete/", views.autocomplete, name="search_autocomplete"),
    path("skills/", skills_views.skills_page, name="skills_search"),
    path("skills/results.csv", skills_views.skills_csv, name="skills_search_csv"),
    path("api/v1/skills-search/", skills_views.api_skills_search, name="api_skills_search"),
]
