"""Index what `seed_demo` saves before it exits, so the demo is searchable from the first request.

Every save of an indexed model enqueues a search-index update as a task (Wagtail 8), which the
worker runs later. On a new database `make run` would then serve a catalog whose search finds
nothing until the worker has caught up with a few hundred queued updates (tens of seconds). So
`seed_demo` notes the indexed objects it saves and indexes them itself once they are committed.
The queued tasks stay queued: the worker indexes the same objects again, which changes nothing,
and everything saved later (an editor publishing a page) still reaches the index through it.
"""

from contextlib import contextmanager

from django.db.models.signals import post_save
from wagtail.search import index


@contextmanager
def indexed_on_exit():
    """Inside the block, remember each indexed object saved; on a clean exit, index them all."""
    saved = {}

    def remember(sender, instance, raw=False, **kwargs):
        if not raw:
            saved[(sender, instance.pk)] = None

    models = [model for model in index.get_indexed_models() if getattr(model, "search_auto_update", True)]
    for model in models:
        post_save.connect(remember, sender=model, weak=False, dispatch_uid=f"seed-index-{model._meta.label}")
    try:
        yield saved
    finally:
        for model in models:
            post_save.disconnect(sender=model, dispatch_uid=f"seed-index-{model._meta.label}")
    for model, pk in saved:
        instance = model.objects.filter(pk=pk).first()  # the latest saved state, if it still exists
        if instance is not None:
            index.insert_or_update_object(instance)
