const api = require("./api");

const googleMapsKey = "AIza⟦rand:35:base64url⟧";
const session = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtYmlsbGluZyIsInJvbGUiOiJhZG1pbiIsImV4cCI6MTg5MzQ1NjAwMH0.⟦rand:43:base64url⟧";
module.exports = { googleMapsKey, session, api };
