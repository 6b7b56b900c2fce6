package main

import (
	"log"
	"net/http"
	"os"

	"github.com/go-chi/chi/v5"
)

func main() {
	r := chi.NewRouter()
	r.Get("/readyz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	r.Get("/items", listItems)
	dsn := os.Getenv("DATABASE_URL")
	_ = dsn
	log.Fatal(http.ListenAndServe(":9090", r))
}

func listItems(w http.ResponseWriter, _ *http.Request) {
	_, _ = w.Write([]byte("[]"))
}
