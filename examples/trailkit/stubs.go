package main

func runGen(e *env, args []string) int       { return 2 }
func runValidate(e *env, args []string) int  { return 2 }
func runLookup(e *env, args []string) int    { return 2 }
func runInsights(e *env, args []string) int  { return 2 }
func runSelectors(e *env, args []string) int { return 2 }
