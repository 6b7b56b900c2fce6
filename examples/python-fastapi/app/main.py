import os

from fastapi import FastAPI

DATABASE_URL = os.environ["DATABASE_URL"]
STRIPE_API_KEY = os.getenv("STRIPE_API_KEY")

app = FastAPI(title="billing")


@app.get("/health")
def health() -> dict:
    return {"status": "ok"}


@app.get("/invoices")
def invoices() -> list:
    return []
