"""The device register: laptops, dongles, SIMs, licences, cover periods, ownership,
allocation to families, stock and demand. Built in the device-register issue."""
