"""Reference data and helpers shared by the domain apps, below all of them: nothing here imports a domain app.

`catalogue`: the scheme and types of assistance (stage and service codes) that cases, referrals,
assistance plans and the actor directory name. `workdays`: working days and the deadlines counted in them.
"""
