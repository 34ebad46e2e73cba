from oci_desktop.cli import main

raise SystemExit(main())
