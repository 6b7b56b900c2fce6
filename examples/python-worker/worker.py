"""Polls a job queue over HTTP and works through what it gets: a worker
that listens on no port."""

import os
import time

import requests

JOBS_URL = os.environ.get("JOBS_URL", "https://jobs.example.com/next")
POLL_SECONDS = float(os.environ.get("POLL_SECONDS", "5"))


def work(job):
    print(f"done: {job}", flush=True)


def main():
    print(f"polling {JOBS_URL} every {POLL_SECONDS}s", flush=True)
    while True:
        try:
            response = requests.get(JOBS_URL, timeout=5)
            if response.status_code == 200:
                work(response.json())
        except requests.RequestException as error:
            print(f"no job: {error}", flush=True)
        time.sleep(POLL_SECONDS)


if __name__ == "__main__":
    main()
