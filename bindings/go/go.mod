module copa.example/libcopa

go 1.19
