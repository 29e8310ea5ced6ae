from django_tasks import task
from wagtail.search import index


@task()
def reindex_credentials_task(page_ids):
    """Re-index credentials whose indexed text comes partly from another object.

    A credential's search document includes its competencies' statements and its partners'
    names (co-brands only where they consented); when those change, or a consent decision is
    made, the credentials must be re-indexed too or search goes stale.
    """
    from catalog.models import MicrocredentialPage

    for page in MicrocredentialPage.objects.filter(pk__in=page_ids).iterator():
        index.insert_or_update_object(page)
