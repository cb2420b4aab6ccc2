module example.com/scanlogin-verify

go 1.19
