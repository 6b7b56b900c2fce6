const api = require("./api");

const googleMapsKey = "AIza⟦rand:35:base64url⟧";
const session = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ⟦rand:60:base64url⟧.⟦rand:43:base64url⟧";
module.exports = { googleMapsKey, session, api };
