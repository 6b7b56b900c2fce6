const { test } = require("node:test");
const assert = require("node:assert");

test("the port defaults to 8080", () => {
  assert.strictEqual(Number(process.env.PORT || 8080), 8080);
});
