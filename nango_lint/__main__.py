from nango_lint.cli import main

main()
