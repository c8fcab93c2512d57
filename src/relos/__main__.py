from relos.cli import main

main()
