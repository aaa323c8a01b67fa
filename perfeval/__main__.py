from perfeval.cli.main import app

app(prog_name="perfeval")
