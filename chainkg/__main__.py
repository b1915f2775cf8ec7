from chainkg.cli import main

main()
