from guardpost.launch import main

main()
