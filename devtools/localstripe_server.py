"""Start localstripe (a stateful fake Stripe server) for development and tests.

localstripe keeps its state in a fixed file, /tmp/localstripe.pickle, shared by every process
on the machine; this launcher gives each run its own store file (LOCALSTRIPE_STORE) and
listens on 127.0.0.1 only. Usage: python -m devtools.localstripe_server --port 8420
"""

import argparse
import os
import pickle
import socket
import tempfile

from aiohttp import web
from localstripe import resources, server


def use_store(path):
    def try_load_from_disk(self):
        try:
            with open(path, "rb") as handle:
                self.clear()
                self.update(pickle.load(handle))
        except (FileNotFoundError, EOFError):
            pass

    def dump_to_disk(self):
        with open(path, "wb") as handle:
            pickle.dump(dict(self), handle, protocol=pickle.HIGHEST_PROTOCOL)

    resources.Store.try_load_from_disk = try_load_from_disk
    resources.Store.dump_to_disk = dump_to_disk


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--store", default=os.environ.get("LOCALSTRIPE_STORE"))
    args = parser.parse_args()
    store = args.store or os.path.join(tempfile.gettempdir(), f"localstripe-{args.port}.pickle")
    use_store(store)
    resources.store.clear()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    web.run_app(server.app, sock=sock, print=None)


if __name__ == "__main__":
    main()
