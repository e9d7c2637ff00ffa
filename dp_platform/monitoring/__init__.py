"""The council's exception queue: what people did with the findings of the monitoring checks."""
