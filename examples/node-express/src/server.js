const express = require("express");
const { PrismaClient } = require("@prisma/client");

const app = express();
const prisma = new PrismaClient();
const port = process.env.PORT || 8080;

app.get("/healthz", (req, res) => res.json({ status: "ok" }));

app.get("/products", async (req, res) => {
  res.json(await prisma.product.findMany());
});

app.listen(port, () => console.log(`catalog listening on ${port}`));
