print("chatshell")
