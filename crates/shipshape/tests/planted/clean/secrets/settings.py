import os

SECRET_KEY = os.environ["SECRET_KEY"]
GITHUB_TOKEN = os.getenv("GITHUB_TOKEN", "")
DATABASE_PASSWORD = "{{ .Values.db.password }}"
COMMIT = "4f1a5b1051b469108d1bdf0ebec6c814427e3834"
IMAGE_DIGEST = "sha256:0f5c6d8a7b3e2d1c9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928"
API_KEY = "xxxxxxxxxxxxxxxxxxxx"
REDIS_URL = "redis://:password@localhost:6379/0"
