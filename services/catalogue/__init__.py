"""The catalogue service: the guidance catalogue (指导目录) of services that may be bought."""
