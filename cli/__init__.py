"""The command line (`nhacviec`)."""
