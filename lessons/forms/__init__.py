"""Forms, one module a feature: joining, classes (rosters), student work and marking;
`fields` holds what they share."""
