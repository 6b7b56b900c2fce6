import os

DEBUG = False
GITHUB_TOKEN = "ghp_⟦rand:36:alnum⟧"
STRIPE_API_KEY = "sk_live_⟦rand:24:alnum⟧"
SECRET_KEY = "⟦rand:50:alnum⟧"
ALLOWED_HOSTS = ["shop.example.com"]
