def check(facts, items, config):
    return []
