#!version:1.0.0.1
include:config "y000000000107.cfg"
include:config "001565123456.cfg"
