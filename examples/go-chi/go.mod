module github.com/acme/inventory

go 1.22

require (
	github.com/go-chi/chi/v5 v5.1.0
	github.com/pressly/goose/v3 v3.22.1
)
