"""Wagtail's `update_index`, with a count per model instead of a dot per thousand objects.

Rebuilding the index of a 20,000-credential catalog takes minutes; "8,000 of 20,079 (39%)"
says how far it is, where the stock command's row of dots does not. Everything else (backends,
options, what is indexed) is Wagtail's: this app comes before `wagtail.search` in
INSTALLED_APPS, so its command of the same name is the one `manage.py` runs.
"""

from modelsearch.management.commands.rebuild_modelsearch_index import Command as WagtailUpdateIndex


class Command(WagtailUpdateIndex):
    help = "Rebuild the search index, printing how many objects of each model are done."

    def queryset_chunks(self, qs, chunk_size=1000):
        self.model_total = qs.count()
        yield from super().queryset_chunks(qs, chunk_size)

    def print_iter_progress(self, chunks):
        self.write("")  # ends the line that names the model
        done = 0
        for chunk in chunks:
            yield chunk
            done += len(chunk)
            self.write(f"    {done:,} of {self.model_total:,} ({done * 100 // self.model_total}%)")
            self.stdout.flush()
        if not done:
            self.write("    nothing to index")

    def print_newline(self):
        pass  # each progress line ends its own line
