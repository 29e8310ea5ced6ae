"""Site-wide request checks."""

from django.http import HttpResponseBadRequest

NUL = "\x00"


def reject_nul_characters(get_response):
    """Refuse, with a 400, a request whose path or query string holds a NUL character (`%00`).

    PostgreSQL cannot hold a NUL in text, and psycopg refuses such a parameter outright, so a
    `%00` in a search box, an API filter or a page path would otherwise fail in the database, as
    a 500, wherever a view passes the value on. No real link contains one. Form posts need no
    check here: Django's form fields already refuse NUL characters with a field error.
    """

    def middleware(request):
        if NUL in request.path or any(
            NUL in name or any(NUL in value for value in values) for name, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                "This address contains a NUL character (%00), which no page, search or API accepts.",
                content_type="text/plain; charset=utf-8",
            )
        return get_response(request)

    return middleware
