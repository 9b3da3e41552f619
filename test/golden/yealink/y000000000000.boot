#!version:1.0.0.1
[T19P_E2]include:config "y000000000053.cfg"
[T21P_E2]include:config "y000000000052.cfg"
[T41P]include:config "y000000000036.cfg"
[T42S]include:config "y000000000067.cfg"
[T46G]include:config "y000000000028.cfg"
[T48G]include:config "y000000000035.cfg"
[T46U]include:config "y000000000108.cfg"
[T54W]include:config "y000000000096.cfg"
