module balcao

go 1.26.8
