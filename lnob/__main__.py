from lnob.cli import main

main()
