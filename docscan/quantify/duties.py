def matrix(facts):
    return {"rows": [], "index": {}}
