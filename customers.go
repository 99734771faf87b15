package plume

// CustomersService is the Customers part of the API.
type CustomersService service
