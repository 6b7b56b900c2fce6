-- +goose Up
CREATE TABLE items (id serial primary key, name text not null);

-- +goose Down
DROP TABLE items;
