from dp_platform.cli.main import main

raise SystemExit(main())
