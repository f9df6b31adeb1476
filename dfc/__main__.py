from dfc.cli import main

main()
