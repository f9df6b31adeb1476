"""Staff pages for the device register: stock, allocations, families, requests, imports."""
